// Errors the user can act on end the CLI with a readable message and exit
// code 2, never a stack trace.
import { SceneError } from '../model/scene/validate';
import { EngineUnsupportedError, NonFiniteRateError } from '../engine/engine';

/** A problem with the user's input (file, option) rather than a bug. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

export const EXIT_USER_ERROR = 2;

/** The message for an error, or null when it is not one the user caused. */
export function userErrorMessage(error: unknown): string | null {
  if (error instanceof SceneError || error instanceof CliError || error instanceof EngineUnsupportedError || error instanceof NonFiniteRateError) return error.message;
  // createEngine reports an engine kind missing from this build with a plain Error.
  if (error instanceof Error && /^engine "[^"]+" is not available/.test(error.message)) return error.message;
  return null;
}
