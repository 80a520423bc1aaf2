/**
 * Lambda calls of `netwarden redrive`, with the operator's own credentials: invoking netwarden's
 * functions with a parked body. Used by the CLI only (no handler imports it).
 */
import { InvokeCommand } from '@aws-sdk/client-lambda';
import type { FunctionInvoker } from '../redrive/redrive';
import { lambdaClient } from './clients/lambda';
import { invokeEvent } from './hand-off';

export function redriveInvoker(): FunctionInvoker {
  return {
    invokeAsync: (functionName, payload) => invokeEvent(lambdaClient(), functionName, payload),
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
