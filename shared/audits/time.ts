/** Times for people, in the check's time zone (Asia/Seoul by default): on-call reads local time. */
export function clockIn(timeZone: string): (time: Date) => string {
  const format = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  return (time) => format.format(time);
}

/** `2026-11-23` in the zone. */
export function dayIn(timeZone: string): (time: Date) => string {
  const format = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  return (time) => format.format(time);
}

/** `2026-11-23 09:12` in the zone, or `09:12` when it is the same day as `today`. */
export function whenIn(timeZone: string, today: Date): (time: Date) => string {
  const clock = clockIn(timeZone);
  const day = dayIn(timeZone);
  return (time) => (day(time) === day(today) ? clock(time) : `${day(time)} ${clock(time)}`);
}

export function durationWords(ms: number): string {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h${minutes % 60 ? `${minutes % 60}m` : ''}`;
  return `${Math.floor(hours / 24)} days`;
}
