/** Coded errors: every failure a user can see says what, where, and what to do. */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'STORY_NOT_FOUND'
  | 'CORPUS_INVALID'
  | 'INPUT_INVALID'
  | 'FEED_FAILED'
  | 'STATE_CORRUPT'
  | 'USAGE';

export class AppError extends Error {
  constructor(
    message: string,
    readonly code: ErrorCode,
    /** What the user can do about it. */
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AppError';
  }

  /** One line for a terminal: message, then the hint. */
  format(): string {
    return this.hint ? `${this.message}\n  -> ${this.hint}` : this.message;
  }
}

export function describeError(err: unknown): string {
  if (err instanceof AppError) return err.format();
  if (err instanceof Error) return err.message;
  return String(err);
}
