// User errors of the command line: bad files, bad flags, shapes that do not fit. The CLI prints
// their message on one line and exits 2; anything else is an internal error (stack, exit 1).

export class UserError extends Error {
  override name = 'UserError';
}

/** A problem with one file: the message starts with the file's name. */
export function fileError(file: string, problem: string): UserError {
  return new UserError(`${file}: ${problem}`);
}
