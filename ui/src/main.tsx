/** The renderer's entry: styles, theme, the bridge link, then the React tree. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './app/styles.css';
import './app/theme.js';
import { App } from './app/App.js';
import { bridge } from './bridge/bridge.js';

bridge.start();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
