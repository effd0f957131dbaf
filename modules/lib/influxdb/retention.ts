// Bucket retention in seconds, as InfluxDB 2.7's retentionRules carry it (0: kept forever).

const HOUR = 3600;
const DAY = 24 * HOUR;

/** InfluxDB refuses shorter retention periods (a bucket keeps at least one hour of data). */
export const MIN_RETENTION_SECONDS = HOUR;

/**
 * The shard group duration InfluxDB picks for a new bucket with this retention
 * (https://docs.influxdata.com/influxdb/v2/reference/internals/shards/#shard-group-duration):
 * under 2 days 1h, under 6 months 1d, longer or forever 7d. A PATCH of the retention alone keeps the
 * old shard group duration, and 2.7 refuses (422) one longer than the new retention, so it is sent too.
 */
export function shardGroupSecondsFor(retentionSeconds: number): number {
  if (retentionSeconds === 0 || retentionSeconds >= 180 * DAY) return 7 * DAY;
  if (retentionSeconds >= 2 * DAY) return DAY;
  return HOUR;
}

/** `forever`, `30d`, `36h`, `5400s`: the largest whole unit, for plans. */
export function describeRetention(seconds: number): string {
  if (seconds === 0) return 'forever';
  if (seconds % DAY === 0) return `${seconds / DAY}d`;
  if (seconds % HOUR === 0) return `${seconds / HOUR}h`;
  return `${seconds}s`;
}

/** The one retention rule of a bucket create or update. */
export function retentionRule(seconds: number): { type: 'expire'; everySeconds: number; shardGroupDurationSeconds: number } {
  return { type: 'expire', everySeconds: seconds, shardGroupDurationSeconds: shardGroupSecondsFor(seconds) };
}
