export * from './rules.ts';
export * from './legal-holds.ts';
export * from './contact-purger.ts';
export * from './engine.ts';
