import forge from 'node-forge';

/**
 * The test appliances of one test file share two RSA key pairs for their
 * local CA and server certificates, instead of generating two new ones each.
 * RSA-2048 generation is most of a test appliance's start (about 0.7 s of
 * 1 s here, measured with the inspector) and a run starts hundreds of them.
 * Certificates are still issued, signed, stored wrapped and verified for
 * real; only key material repeats, between throwaway appliances. Issuing
 * with fresh keys is tested in packages/crypto, which does not load this.
 */
const generate = forge.pki.rsa.generateKeyPair.bind(forge.pki.rsa);
const pairs: forge.pki.rsa.KeyPair[] = [];
let next = 0;

type Generate = typeof forge.pki.rsa.generateKeyPair;

forge.pki.rsa.generateKeyPair = ((...args: Parameters<Generate>) => {
  const [options, ...rest] = args;
  const plain2048 =
    rest.length === 0 &&
    typeof options === 'object' &&
    options !== null &&
    options.bits === 2048 &&
    options.prng === undefined;
  if (!plain2048) return generate(...args);
  // Two pairs, handed out in turn: a CA and its server certificate never share one.
  if (pairs.length < 2) pairs.push(generate({ bits: 2048 }));
  const pair = pairs[next % pairs.length]!;
  next += 1;
  return pair;
}) as Generate;
