/** A time zone by its IANA name, as Intl knows it: the checks' digests and Slack's messages use it. */
import * as z from 'zod';

export const IanaTimezone = z.string().refine(
  (name) => {
    try {
      new Intl.DateTimeFormat('en-GB', { timeZone: name });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'expected an IANA time zone such as "Asia/Seoul"' },
);
