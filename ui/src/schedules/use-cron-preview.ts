/**
 * Asks the bridge (`schedule.preview`, docs/api.md) whether a cron expression and zone are valid and when they run
 * next, as the user types: debounced, and only the latest answer counts.
 */
import { useEffect, useState } from 'react';
import { BridgeError } from '../../../protocol/errors.js';
import { bridge, describeError } from '../bridge/bridge.js';
import { explainCronError, type CronExplanation } from './cron-explain.js';

export type CronPreview =
  | { kind: 'checking' }
  | { kind: 'valid'; runs: string[]; timezone: string }
  | { kind: 'invalid'; explanation: CronExplanation; reason: string }
  /** The bridge could not be asked (link down): nothing is known. */
  | { kind: 'unknown'; message: string };

const DEBOUNCE_MS = 250;

export function useCronPreview(cron: string, timezone: string): CronPreview {
  const [preview, setPreview] = useState<CronPreview>({ kind: 'checking' });
  useEffect(() => {
    let current = true;
    setPreview({ kind: 'checking' });
    const expression = cron.trim();
    if (expression === '') {
      setPreview({ kind: 'invalid', reason: 'empty', explanation: { message: 'Enter a cron expression, e.g. 0 3 * * * (every day at 03:00).' } });
      return;
    }
    const timer = setTimeout(() => {
      bridge.client.call('schedule.preview', { cron: expression, timezone, count: 5 }).then(
        ({ runs, timezone: zone }) => current && setPreview({ kind: 'valid', runs, timezone: zone }),
        (error: unknown) => {
          if (!current) return;
          if (error instanceof BridgeError && error.code === 'INVALID_PARAMS') {
            const reason = typeof error.details?.reason === 'string' ? error.details.reason : error.message;
            const field = typeof error.details?.field === 'string' ? error.details.field : undefined;
            setPreview({ kind: 'invalid', reason, explanation: explainCronError(reason, expression, field) });
          } else {
            setPreview({ kind: 'unknown', message: describeError(error) });
          }
        },
      );
    }, DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [cron, timezone]);
  return preview;
}
