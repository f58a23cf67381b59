/**
 * An intrusive, doubly linked FIFO: O(1) push, shift and removal of any member, no array
 * allocation. Used for worker mailboxes, running sets and the pool-wide wait queue.
 * @module
 */

/** A member of one {@link Mailbox} at a time (the links live on the member itself). */
export interface MailboxNode {
  /** @internal */
  prev: MailboxNode | undefined;
  /** @internal */
  next: MailboxNode | undefined;
  /** The list this node is in, `undefined` when in none. @internal */
  list: Mailbox<MailboxNode> | undefined;
}

/** A FIFO of {@link MailboxNode}s. */
export class Mailbox<T extends MailboxNode> {
  #head: T | undefined = undefined;
  #tail: T | undefined = undefined;
  /** Number of members. */
  length = 0;

  /** Append at the tail. The node must not be in a list. */
  push(node: T): void {
    node.list = this as unknown as Mailbox<MailboxNode>;
    node.next = undefined;
    node.prev = this.#tail;
    if (this.#tail) this.#tail.next = node;
    else this.#head = node;
    this.#tail = node;
    this.length++;
  }

  /** The oldest member, without removing it. */
  peek(): T | undefined {
    return this.#head;
  }

  /** Remove and return the oldest member. */
  shift(): T | undefined {
    const node = this.#head;
    if (node) this.remove(node);
    return node;
  }

  /** Remove a member; a no-op when the node is not in this list. */
  remove(node: T): void {
    if (node.list !== (this as unknown as Mailbox<MailboxNode>)) return;
    const { prev, next } = node;
    if (prev) prev.next = next;
    else this.#head = next as T | undefined;
    if (next) next.prev = prev;
    else this.#tail = prev as T | undefined;
    node.prev = node.next = undefined;
    node.list = undefined;
    this.length--;
  }

  /** Remove every member and return them oldest first. */
  drain(): T[] {
    const out: T[] = [];
    for (let node = this.shift(); node; node = this.shift()) out.push(node);
    return out;
  }
}
