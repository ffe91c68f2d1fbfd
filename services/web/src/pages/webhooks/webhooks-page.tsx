// Webhook endpoints: add one (its signing secret shown once), test it, rotate its secret, delete it, and
// read each endpoint's deliveries with their attempts, redelivering one when the receiver is fixed.
import { useState } from 'react';
import { PageHeader } from '../../components/app-shell.tsx';
import { EmptyState, ErrorState, LoadingState } from '../../components/page-states.tsx';
import { SecretReveal } from '../../components/secret-reveal.tsx';
import type { WebhookEndpointWithSecret } from '../../api/types.ts';
import { WebhookCreateForm } from './webhook-create-form.tsx';
import { WebhookEndpointCard } from './webhook-endpoint-card.tsx';
import { useWebhookEndpoints } from './webhook-queries.ts';

export function WebhooksPage() {
  const endpoints = useWebhookEndpoints();
  const [secret, setSecret] = useState<WebhookEndpointWithSecret | null>(null);
  const forgetSecretOf = (endpointId: string) => setSecret((shown) => (shown?.id === endpointId ? null : shown));

  return (
    <>
      <PageHeader title="Webhooks">The Studio posts signed events to your endpoints when videos finish, fail or stall.</PageHeader>
      <div className="space-y-6">
        <WebhookCreateForm onCreated={setSecret} />
        {secret ? <SecretReveal label={`Signing secret of ${secret.name}`} value={secret.signing_secret} onDismiss={() => setSecret(null)} /> : null}

        <section aria-labelledby="endpoints-heading">
          <h2 id="endpoints-heading" className="mb-3 font-medium">Endpoints</h2>
          {endpoints.isPending ? <LoadingState label="Loading endpoints…" /> : null}
          {endpoints.isError ? <ErrorState title="The endpoints could not be loaded" error={endpoints.error} onRetry={() => void endpoints.refetch()} /> : null}
          {endpoints.data && endpoints.data.data.length === 0 ? <EmptyState title="No endpoints yet">Add one above to receive events.</EmptyState> : null}
          {endpoints.data && endpoints.data.data.length > 0 ? (
            <ul className="space-y-4">
              {endpoints.data.data.map((endpoint) => <WebhookEndpointCard key={endpoint.id} endpoint={endpoint} onSecret={setSecret} onDeleted={forgetSecretOf} />)}
            </ul>
          ) : null}
        </section>
      </div>
    </>
  );
}
