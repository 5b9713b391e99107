import "server-only";
import { dictionary } from "@zxcvbn-ts/language-common";

let common: Set<string> | undefined;

/**
 * Whether a password is on the list of the most used ones (zxcvbn's ranked list of about
 * 49,000, shipped in the package: no network look-up). Case does not make one safer.
 */
export function isCommonPassword(password: string): boolean {
  common ??= new Set(dictionary["passwords-common"]);
  return common.has(password.toLowerCase());
}

export const COMMON_PASSWORD_MESSAGE =
  "This password is one of the most common ones, which attackers try first. Choose another.";
