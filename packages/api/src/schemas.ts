import { z } from 'zod';

/** Shared field rules, so every form and procedure names the same limits. */
export const email = z.email('Enter a valid email address').max(254).trim();
export const password = z.string().min(10, 'Use at least 10 characters').max(256);
export const displayName = z.string().trim().min(1, 'A name is required').max(80);
export const id = z.string().min(1).max(64);
export const role = z.enum(['OWNER', 'ADMIN', 'AGENT']);
export const code = z.string().trim().min(4).max(64);
