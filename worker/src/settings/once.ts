/** Memoizes `make`'s first successful result (a failure is thrown again on every call). */
export function once<Value>(make: () => Value): () => Value {
  let made: { value: Value } | undefined;
  return () => {
    made ??= { value: make() };
    return made.value;
  };
}
