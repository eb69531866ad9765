import { Type } from 'typebox';

/** Text from a form or query: bounded, and never a NUL character (PostgreSQL text cannot hold one). */
export const FormText = (maxLength: number) => Type.String({ maxLength, pattern: '^[^\\u0000]*$' });
