import { METHOD_SPECS } from './generated/methods.js';

const NAMES = new Map(METHOD_SPECS.map((spec) => [spec.id, spec.name]));

/** The spec name of a method id, e.g. 'basic.publish'. */
export function methodName(id: number): string {
  return NAMES.get(id) ?? `class ${id >>> 16} method ${id & 0xffff}`;
}
