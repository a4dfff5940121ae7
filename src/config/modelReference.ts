/** `hf:` and `https:` references are fetched into the models folder; anything else is a path. */
export function isRemoteModel(model: string): boolean {
  return /^(hf:|huggingface:|https?:\/\/)/i.test(model);
}
