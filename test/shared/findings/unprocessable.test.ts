/** The finding for an event a function could not read: what it says, and that it names the event. */
import { describe, expect, it } from 'vitest';
import { unprocessableFinding } from '../../../shared/findings/unprocessable';

const NOW = new Date('2026-11-23T01:00:00Z');

describe('unprocessableFinding', () => {
  it('says plainly that the event was not judged and names it', () => {
    expect(
      unprocessableFinding('requestParameters: absent', NOW, {
        function: 'revert-sg-drift',
        mode: 'report',
        eventId: 'e-42',
      }),
    ).toMatchObject({
      kind: 'unprocessable',
      severity: 'warning',
      eventId: 'e-42',
      title: 'revert-sg-drift could not judge event e-42: nothing in it was checked or acted on',
      why: 'requestParameters: absent',
      actions: [],
    });
  });

  it('keeps the plain title when there is no event id to name', () => {
    expect(unprocessableFinding('bad input', NOW, { function: 'daily-check', mode: 'report' }).title).toBe(
      'daily-check could not process an event',
    );
  });
});
