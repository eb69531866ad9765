export { Page, ErrorPage } from './layout.tsx';
export { Form, ErrorSummary, TextField, TextAreaField, SelectField, Button, fieldId } from './components.tsx';
export { renderErrorPage } from './error-page.tsx';
export { uiRoutes } from './routes.ts';
export { uiMessages } from './messages.ts';
export type { PageContext } from './page-context.ts';
export { describeInputProblems } from './input-problems.ts';
