// instructionOf turns a history entry's created_by into the Dockerfile instruction that made it
// ("/bin/sh -c #(nop)  COPY …" → "COPY …", "/bin/sh -c apt-get …" → "RUN apt-get …", BuildKit's "… # buildkit" suffix dropped).

export function instructionOf(createdBy: string | undefined): string | null {
  if (createdBy === undefined) return null;
  let text = createdBy.trim().replace(/\s+# buildkit$/, '');
  const nop = /^\/bin\/sh -c #\(nop\)\s*/.exec(text);
  if (nop) return text.slice(nop[0].length).trim();
  const shell = /^(?:\/bin\/sh|\/bin\/bash|cmd \/S \/C) -c /.exec(text);
  if (shell) return `RUN ${text.slice(shell[0].length).trim()}`;
  text = text.replace(/^\|\d+ (?:\S+=\S* )*/, ''); // classic builder's "|2 ARG=v ARG=v /bin/sh -c …" prefix
  const shell2 = /^\/bin\/sh -c /.exec(text);
  if (shell2) return `RUN ${text.slice(shell2[0].length).trim()}`;
  return text;
}
