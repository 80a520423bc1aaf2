/**
 * Lambda calls of `netwarden redrive`, with the operator's own credentials: invoking netwarden's
 * functions with a parked body. Used by the CLI only (no handler imports it).
 */
import { InvokeCommand } from '@aws-sdk/client-lambda';
import type { FunctionInvoker } from '../redrive/redrive';
import { lambdaClient } from './clients/lambda';

export function redriveInvoker(): FunctionInvoker {
  return {
    async invokeAsync(functionName, payload) {
      const output = await lambdaClient().send(
        new InvokeCommand({
          FunctionName: functionName,
          InvocationType: 'Event',
          Payload: new TextEncoder().encode(JSON.stringify(payload)),
        }),
      );
      if (output.StatusCode !== 202)
        throw new Error(`Lambda answered ${String(output.StatusCode)} instead of 202 Accepted`);
    },
    async invokeSync(functionName, payload) {
      const output = await lambdaClient().send(
        new InvokeCommand({
          FunctionName: functionName,
          InvocationType: 'RequestResponse',
          Payload: new TextEncoder().encode(JSON.stringify(payload)),
        }),
      );
      const text = output.Payload ? new TextDecoder().decode(output.Payload) : '';
      let response: unknown = text;
      try {
        response = text === '' ? null : JSON.parse(text);
      } catch {
        // Not JSON: handed back as the text it is.
      }
      return { payload: response, ...(output.FunctionError ? { functionError: output.FunctionError } : {}) };
    },
  };
}
