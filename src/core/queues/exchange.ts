/**
 * An exchange and its outgoing bindings, indexed for its type: direct by routing key, fanout as a set,
 * topic in a trie, headers as compiled matchers.
 */
import { canonicalKey } from './field-codec.js';
import type { FieldTable } from './field-values.js';
import { compileHeadersMatcher, headersMatch, type HeadersMatcher } from './headers-match.js';
import { TopicTrie } from './topic-trie.js';
import type { ExchangeInfo, ExchangeType } from './types.js';

/** Anything a binding can point at: a queue or an exchange, known by kind and name. */
export interface BindingTarget {
  readonly kind: 'queue' | 'exchange';
  readonly name: string;
  readonly durable: boolean;
}

/** A binding from an exchange to a queue or exchange. */
export interface Binding {
  readonly source: Exchange;
  readonly destination: BindingTarget;
  readonly routingKey: string;
  readonly arguments: FieldTable;
  /** Identity within the source: destination, routing key and arguments. */
  readonly identity: string;
  readonly matcher?: HeadersMatcher;
}

/** The identity of a binding within its source exchange. */
export function bindingIdentity(destination: BindingTarget, routingKey: string, args: FieldTable | undefined): string {
  return `${destination.kind}\u0000${destination.name}\u0000${routingKey}\u0000${canonicalKey(args)}`;
}

/** Exchange types this broker implements. */
export const EXCHANGE_TYPES: ReadonlySet<string> = new Set<ExchangeType>(['direct', 'fanout', 'topic', 'headers']);

/** Declared properties of an exchange. */
export interface ExchangeDefinition {
  readonly name: string;
  readonly type: ExchangeType;
  readonly durable: boolean;
  readonly autoDelete: boolean;
  readonly internal: boolean;
  readonly arguments: FieldTable;
}

/** An exchange with its bindings. */
export class Exchange implements BindingTarget {
  readonly kind = 'exchange' as const;
  readonly bindings = new Map<string, Binding>();
  private readonly direct = new Map<string, Set<Binding>>();
  private readonly topic = new TopicTrie<Binding>();

  constructor(
    readonly vhost: string,
    readonly definition: ExchangeDefinition,
  ) {}

  get name(): string {
    return this.definition.name;
  }

  get type(): ExchangeType {
    return this.definition.type;
  }

  get durable(): boolean {
    return this.definition.durable;
  }

  /** The alternate-exchange argument, if set. */
  get alternateExchange(): string | undefined {
    const ae = this.definition.arguments['alternate-exchange'];
    return typeof ae === 'string' ? ae : undefined;
  }

  /** Adds a binding; returns the existing one if an identical binding exists. Throws 406 on bad headers arguments. */
  bind(destination: BindingTarget, routingKey: string, args: FieldTable | undefined): Binding {
    const identity = bindingIdentity(destination, routingKey, args);
    const existing = this.bindings.get(identity);
    if (existing) return existing;
    const matcher = this.type === 'headers' ? compileHeadersMatcher(args) : undefined;
    const binding: Binding = { source: this, destination, routingKey, arguments: args ?? {}, identity, matcher };
    this.bindings.set(identity, binding);
    if (this.type === 'direct') {
      let set = this.direct.get(routingKey);
      if (!set) this.direct.set(routingKey, (set = new Set()));
      set.add(binding);
    } else if (this.type === 'topic') {
      this.topic.add(routingKey, binding);
    }
    return binding;
  }

  /** Removes a binding by identity; returns it, or undefined if absent. */
  unbind(identity: string): Binding | undefined {
    const binding = this.bindings.get(identity);
    if (!binding) return undefined;
    this.bindings.delete(identity);
    if (this.type === 'direct') {
      const set = this.direct.get(binding.routingKey);
      set?.delete(binding);
      if (set?.size === 0) this.direct.delete(binding.routingKey);
    } else if (this.type === 'topic') {
      this.topic.remove(binding.routingKey, binding);
    }
    return binding;
  }

  /** Adds to `out` the bindings a message with this routing key and headers matches. */
  match(routingKey: string, headers: FieldTable | undefined, out: Set<Binding>): void {
    switch (this.type) {
      case 'direct': {
        const set = this.direct.get(routingKey);
        if (set) for (const b of set) out.add(b);
        return;
      }
      case 'fanout':
        for (const b of this.bindings.values()) out.add(b);
        return;
      case 'topic':
        this.topic.match(routingKey, out);
        return;
      case 'headers':
        for (const b of this.bindings.values()) if (headersMatch(b.matcher!, headers)) out.add(b);
        return;
    }
  }

  /** Admin view. */
  info(): ExchangeInfo {
    const d = this.definition;
    return { vhost: this.vhost, name: d.name, type: d.type, durable: d.durable, autoDelete: d.autoDelete, internal: d.internal, arguments: d.arguments };
  }
}
