/** D1 binds at most 100 parameters per statement: multi-row inserts, IN lists and OR chains are chunked. */
export const D1_MAX_BOUND_PARAMETERS = 100;

/**
 * How many rows (or list items) of `parametersPerRow` fit in one statement that also binds
 * `otherParameters`.
 *
 * @example rowsPerStatement(3) // 33 text records per INSERT
 */
export function rowsPerStatement(parametersPerRow: number, otherParameters = 0): number {
  return Math.floor((D1_MAX_BOUND_PARAMETERS - otherParameters) / parametersPerRow);
}

/** `items` in chunks of `size`. */
export function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let index = 0; index < items.length; index += size) chunks.push(items.slice(index, index + size));
  return chunks;
}
