/** Nominal typing for ids and codes: a `Brand<string, "AreaCode">` is not interchangeable with a plain string. */
declare const brand: unique symbol;
export type Brand<T, Name extends string> = T & { readonly [brand]: Name };
