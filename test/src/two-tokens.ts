/**
 * The `auth` section of a server config with two tokens, one that may only
 * write (the agents', the shippers') and one that may only read (the page's,
 * the CLI's): the setting the tests of scopes, sign-in and other shippers
 * each wrote out in the same five lines.
 */
export function twoTokensYaml(write: string, read: string, names: { write: string; read: string } = { write: 'agents', read: 'viewer' }): string {
  return [
    'auth:',
    '  tokens:',
    `    - { name: ${names.write}, token: "${write}", scopes: [write] }`,
    `    - { name: ${names.read}, token: "${read}", scopes: [read] }`,
    '',
  ].join('\n');
}
