/**
 * Defaults of a query run that the connection workers need as values. Kept apart from query.ts, which builds zod
 * schemas when it is imported: a worker imports only this and errors.ts from protocol/, so starting a connection does
 * not construct the whole protocol's schemas in every worker (~70 ms of CPU each).
 */
export const DEFAULT_BATCH_SIZE = 500;
