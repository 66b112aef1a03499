// Pure: the port an app's processes listen on (given to them as PORT).

export const DEFAULT_PORT = 5000;

/** The port the app listens on: the image's single EXPOSEd port when it has exactly one, else 5000. */
export function choosePort(exposed: number[]): number {
  return exposed.length === 1 ? exposed[0]! : DEFAULT_PORT;
}
