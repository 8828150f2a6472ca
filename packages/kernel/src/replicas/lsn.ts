/** A `pg_lsn` text (`16/B374D848`) as a bigint, so positions compare with `<`; null stays null. */
export function parseLsn(text: string | null | undefined): bigint | null {
  if (!text) return null;
  const [high, low] = text.split('/');
  if (high === undefined || low === undefined) return null;
  return (BigInt(`0x${high}`) << 32n) | BigInt(`0x${low}`);
}

/** A bigint WAL position back in `pg_lsn` text form. */
export function formatLsn(lsn: bigint): string {
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
}
