/** The clock every domain function reads (never `Date.now()` of its own): a cron run uses its scheduled time. */
export type Clock = { nowMs(): number; nowSeconds(): number };
