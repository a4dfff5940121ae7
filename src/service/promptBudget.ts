/** Tokens the chat template adds around each turn, with room to spare. */
export const perTurnOverhead = 8;

/** Tokens kept free besides the answer's: what counting texts apart can miss when they are joined. */
export const promptMargin = 200;
