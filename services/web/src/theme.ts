// Light or dark: the user's saved choice, else the system's. Only this preference lives in localStorage.
export type Theme = 'light' | 'dark';

const STORAGE_KEY = 'sora-studio.theme';

export function preferredTheme(): Theme {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved === 'light' || saved === 'dark') return saved;
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function applyTheme(theme: Theme, save = false): void {
  document.documentElement.classList.toggle('dark', theme === 'dark');
  if (save) localStorage.setItem(STORAGE_KEY, theme);
}
