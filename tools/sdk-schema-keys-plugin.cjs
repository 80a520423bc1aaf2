// esbuild plugin (registered in tools/esbuild-plugins.cjs): lets esbuild drop the AWS SDK's schemas
// for the operations netwarden never calls.
const { readFileSync } = require('node:fs');

/**
 * An SDK client's generated dist-es/schemas/schemas_N.js defines the shapes of every operation of its
 * service (for EC2, 1.3 MB of source, ~550 KB minified). Its object literals use computed keys whose
 * names are module constants, `{ [_xN]: _sIu }` with `const _xN = "xmlName"`, and esbuild keeps every
 * top-level statement holding a computed key it cannot prove side-effect free: so a bundle that sends
 * one EC2 command carried every EC2 shape. This rewrites each such key to the string constant it
 * names, `{ "xmlName": _sIu }`: the same object, so the same serialisation and the same bytes on the
 * wire, and esbuild's own tree shaking then keeps exactly the shapes a command reaches.
 */
const sdkSchemaKeysPlugin = {
  name: 'netwarden-sdk-schema-keys',
  setup(build) {
    build.onLoad(
      { filter: /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/ },
      ({ path }) => {
        const source = readFileSync(path, 'utf8');
        // Only top-level constants whose value is a plain string literal, no escapes.
        const strings = new Map();
        for (const match of source.matchAll(/^const (_[A-Za-z0-9_$]+) = ("[^"\\\n]*");$/gm)) {
          strings.set(match[1], match[2]);
        }
        const contents = source.replace(/\[(_[A-Za-z0-9_$]+)\]:/g, (key, name) => {
          const value = strings.get(name);
          return value === undefined ? key : `${value}:`;
        });
        return { contents, loader: 'js' };
      },
    );
  },
};

module.exports = { sdkSchemaKeysPlugin };
