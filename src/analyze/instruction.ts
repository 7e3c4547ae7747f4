// instructionOf turns a history entry's created_by into the Dockerfile instruction that made it
// ("/bin/sh -c #(nop)  COPY …" → "COPY …", "/bin/sh -c apt-get …" → "RUN apt-get …", BuildKit's
// "RUN |1 V=2 /bin/sh -c make # buildkit" → "RUN make"). The shell prefix is the stage's SHELL as the
// builder ran it (/bin/sh -c, /bin/bash -o pipefail -c, cmd /S /C).

/** SHELL_PREFIX matches the shell a RUN was run with: sh/bash/ash/dash/zsh (any options) ending in -c, or cmd /S /C. */
export const SHELL_PREFIX = /^(?:(?:\/(?:usr\/)?bin\/)?(?:sh|bash|ash|dash|zsh)(?: -[-\w]+(?: [\w-]+)?)*? -c |cmd \/S \/C )/;

export function instructionOf(createdBy: string | undefined): string | null {
  if (createdBy === undefined) return null;
  let text = createdBy.trim().replace(/\s+# buildkit$/, '');
  const nop = /^\/bin\/sh -c #\(nop\)\s*/.exec(text);
  if (nop) return text.slice(nop[0].length).trim();
  const buildkitRun = /^RUN /.exec(text);
  if (buildkitRun) text = text.slice(4);
  text = text.replace(/^\|\d+ (?:\S+=\S* )*/, ''); // "|2 ARG=v ARG=v /bin/sh -c …": the build args the RUN saw
  const shell = SHELL_PREFIX.exec(text);
  if (shell) return `RUN ${text.slice(shell[0].length).trim()}`;
  return buildkitRun ? `RUN ${text.trim()}` : text;
}
