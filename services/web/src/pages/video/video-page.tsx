// Placeholder until this page is built; the route, its chunk and the navigation link already exist.
import { PageHeader } from '../../components/app-shell.tsx';

export function VideoPage() {
  return <PageHeader title="VideoPage" />;
}
