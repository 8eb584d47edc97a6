import { bodyLimit } from "hono/body-limit";
import { PayloadTooLargeError } from "./AppError";

/** hono's `bodyLimit`, answering through the one error mapper (JSON 413). */
export function limitBody(maxBytes: number) {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new PayloadTooLargeError(maxBytes);
    },
  });
}
