/**
 * Topic routing: binding patterns compiled into a trie of words, so routing a message walks the trie
 * once instead of testing every binding. Words are separated by '.'; '*' matches exactly one word,
 * '#' matches zero or more words.
 */

interface TrieNode<T> {
  readonly children: Map<string, TrieNode<T>>;
  readonly values: Set<T>;
}

function newNode<T>(): TrieNode<T> {
  return { children: new Map(), values: new Set() };
}

/** A set of topic patterns, each carrying values, matched against routing keys. */
export class TopicTrie<T> {
  private readonly root: TrieNode<T> = newNode();

  /** Adds `value` under `pattern`. */
  add(pattern: string, value: T): void {
    let node = this.root;
    for (const word of pattern.split('.')) {
      let child = node.children.get(word);
      if (!child) {
        child = newNode();
        node.children.set(word, child);
      }
      node = child;
    }
    node.values.add(value);
  }

  /** Removes `value` from `pattern`, pruning nodes left empty; false if it was not there. */
  remove(pattern: string, value: T): boolean {
    const words = pattern.split('.');
    const path: TrieNode<T>[] = [this.root];
    for (const word of words) {
      const child = path[path.length - 1].children.get(word);
      if (!child) return false;
      path.push(child);
    }
    if (!path[path.length - 1].values.delete(value)) return false;
    for (let i = path.length - 1; i > 0; i--) {
      const node = path[i];
      if (node.values.size > 0 || node.children.size > 0) break;
      path[i - 1].children.delete(words[i - 1]);
    }
    return true;
  }

  /** Adds to `out` every value whose pattern matches `routingKey`. */
  match(routingKey: string, out: Set<T>): void {
    this.walk(this.root, routingKey.split('.'), 0, out);
  }

  private walk(node: TrieNode<T>, words: string[], i: number, out: Set<T>): void {
    const hash = node.children.get('#');
    if (i === words.length) {
      for (const v of node.values) out.add(v);
      if (hash) this.walk(hash, words, i, out);
      return;
    }
    const word = words[i];
    const exact = word === '*' || word === '#' ? undefined : node.children.get(word);
    if (exact) this.walk(exact, words, i + 1, out);
    const star = node.children.get('*');
    if (star) this.walk(star, words, i + 1, out);
    if (hash) for (let j = i; j <= words.length; j++) this.walk(hash, words, j, out);
  }
}
