import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
// The base stylesheet first, so each view's own rules win over it at equal specificity.
import './styles.css';
import { App } from './App.tsx';
import { startAppShell } from './pwa/start.ts';

startAppShell();

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
