export * from './errorCodes.ts';
export * from './messages.ts';
export * from './money.ts';
export * from './parseRequest.ts';
export * from './replies.ts';
export * from './requests.ts';
export * from './topology.ts';
