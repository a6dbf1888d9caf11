/** The longest user id a thread's participant may have. */
export const M2M_USER_ID_MAX = 200;

/** The message of an all-or-nothing refusal: `2 problems in dataList; nothing was created`. */
export function problemsIn(name: string, count: number): string {
  return `${count} problem${count === 1 ? '' : 's'} in ${name}; nothing was created`;
}
