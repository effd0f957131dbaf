// tls_certificate's arguments: the schema, and the type every part of the module derives from it.
import { Type, type Static } from '@sinclair/typebox';

const NAME = '^(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*$|^[0-9]{1,3}(\\.[0-9]{1,3}){3}$';

export const tlsArgs = Type.Object({
  domains: Type.Array(Type.String({ pattern: NAME }), { minItems: 1, description: 'Names on the certificate; the first is the subject and the default cert_name.' }),
  cert_name: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$', description: 'Name of the certificate (certbot lineage / directory); default the first domain.' })),
  provider: Type.Union([Type.Literal('acme'), Type.Literal('selfsigned')], { default: 'acme', description: '`acme` runs certbot; `selfsigned` signs with a local CA.' }),
  state: Type.Union([Type.Literal('present'), Type.Literal('absent')], { default: 'present', description: '`absent` deletes the certificate (certbot delete / the files).' }),
  renew_before_days: Type.Integer({ default: 30, minimum: 0, description: 'Reissue when the certificate expires within this many days.' }),
  renew_if_serial: Type.Optional(
    Type.String({
      pattern: '^(0[xX])?[0-9A-Fa-f:]+$',
      description:
        'Reissue while the certificate has this serial (hex, colons and case ignored), e.g. one carried from another host, ' +
        'renewed once its names lead here; the new one has another serial, so a re-run leaves it.',
    }),
  ),
  acme_server: Type.String({ default: 'https://acme-v02.api.letsencrypt.org/directory', description: 'ACME directory URL (pebble in the lab: https://127.0.0.1:14000/dir).' }),
  email: Type.Optional(Type.String({ pattern: '^[^\\s@]+@[^\\s@]+$', description: 'ACME account email; without it the account is registered without one.' })),
  ca_bundle: Type.Optional(Type.String({ description: "CA bundle trusted for the ACME server's own TLS (REQUESTS_CA_BUNDLE), e.g. pebble's." })),
  authenticator: Type.Union([Type.Literal('standalone'), Type.Literal('webroot')], {
    default: 'standalone',
    description: 'certbot http-01 authenticator: `standalone` listens on http_01_port; `webroot` writes challenges under webroot (nginx keeps port 80).',
  }),
  http_01_port: Type.Integer({ default: 80, minimum: 1, maximum: 65535, description: 'Port certbot --standalone listens on.' }),
  webroot: Type.Optional(Type.String({ description: 'Directory nginx serves /.well-known/acme-challenge/ from (authenticator webroot).' })),
  config_dir: Type.String({ default: '/etc/letsencrypt', description: 'certbot --config-dir; certificates are under live/<cert_name>/.' }),
  work_dir: Type.String({ default: '/var/lib/letsencrypt', description: 'certbot --work-dir.' }),
  logs_dir: Type.String({ default: '/var/log/letsencrypt', description: 'certbot --logs-dir.' }),
  cert_dir: Type.String({ default: '/etc/ssl/osm-play', description: 'selfsigned: certificates go to <cert_dir>/<cert_name>/{cert,privkey,fullchain}.pem.' }),
  ca_key: Type.String({ default: '/etc/ssl/osm-play/ca/ca.key', description: 'selfsigned: the CA private key (created with the CA when missing).' }),
  ca_cert: Type.String({ default: '/etc/ssl/osm-play/ca/ca.crt', description: 'selfsigned: the CA certificate (created when missing).' }),
  ca_name: Type.String({ default: 'osm-play local CA', pattern: '^[A-Za-z0-9 ._-]+$', description: 'selfsigned: the CA subject CN when it is created.' }),
  days: Type.Integer({ default: 397, minimum: 1, description: 'selfsigned: validity of the leaf certificate in days.' }),
});

export type TlsArgs = Static<typeof tlsArgs>;
