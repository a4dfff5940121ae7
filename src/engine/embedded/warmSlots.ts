/**
 * Which conversation each slot served last, so a follow-up can ask for the slot whose cache
 * still holds its history. Only a hint: the cache is checked token by token before reuse.
 */
export class WarmSlots {
  private readonly owners: (string | undefined)[];

  constructor(slots: number) {
    this.owners = Array.from({ length: slots }, () => undefined);
  }

  slotOf(conversation: string): number | undefined {
    const slot = this.owners.indexOf(conversation);
    return slot < 0 ? undefined : slot;
  }

  assign(slot: number, conversation: string | undefined): void {
    this.owners[slot] = conversation;
  }
}
