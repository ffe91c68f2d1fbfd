export { buildApp, jsonBodyLimit, type App, type AppDeps } from './app.ts';
