// The registry of built-in rules, in documentation order (by category).
import addInsteadOfCopy from './add-instead-of-copy.js';
import addRemoteWithoutChecksum from './add-remote-without-checksum.js';
import apkNoCache from './apk-no-cache.js';
import aptArchivesNotCleaned from './apt-archives-not-cleaned.js';
import aptListsNotRemoved from './apt-lists-not-removed.js';
import aptNoInstallRecommends from './apt-no-install-recommends.js';
import aptUpgrade from './apt-upgrade.js';
import baseImageTag from './base-image-tag.js';
import buildToolsInFinalStage from './build-tools-in-final-stage.js';
import consecutiveRun from './consecutive-run.js';
import copyBeforeDependencyInstall from './copy-before-dependency-install.js';
import copyFromWholeFilesystem from './copy-from-whole-filesystem.js';
import curlPipeShell from './curl-pipe-shell.js';
import dockerignoreMissing from './dockerignore-missing.js';
import downloadNotRemoved from './download-not-removed.js';
import duplicateStageName from './duplicate-stage-name.js';
import exposeSshPort from './expose-ssh-port.js';
import goBuildCache from './go-build-cache.js';
import heavyBaseImage from './heavy-base-image.js';
import heredocWithoutErrexit from './heredoc-without-errexit.js';
import jsonArgsRecommended from './json-args-recommended.js';
import maintainerDeprecated from './maintainer-deprecated.js';
import nodePackageCache from './node-package-cache.js';
import npmAsPid1 from './npm-as-pid1.js';
import onbuild from './onbuild.js';
import onbuildForbiddenTrigger from './onbuild-forbidden-trigger.js';
import pipNoCacheDir from './pip-no-cache-dir.js';
import recursiveChownAfterCopy from './recursive-chown-after-copy.js';
import rootUser from './root-user.js';
import rpmCacheNotCleaned from './rpm-cache-not-cleaned.js';
import runCd from './run-cd.js';
import secretInArgEnv from './secret-in-arg-env.js';
import sudo from './sudo.js';
import tlsVerificationDisabled from './tls-verification-disabled.js';
import undefinedArgInFrom from './undefined-arg-in-from.js';
import unknownSyntax from './unknown-syntax.js';
import unverifiedDownload from './unverified-download.js';
import workdirRelative from './workdir-relative.js';
import worldWritable from './world-writable.js';
import type { Rule } from '../types.js';

export const rules = [
  consecutiveRun,
  recursiveChownAfterCopy,
  aptListsNotRemoved,
  aptArchivesNotCleaned,
  aptNoInstallRecommends,
  aptUpgrade,
  apkNoCache,
  rpmCacheNotCleaned,
  pipNoCacheDir,
  nodePackageCache,
  goBuildCache,
  downloadNotRemoved,
  buildToolsInFinalStage,
  copyFromWholeFilesystem,
  baseImageTag,
  heavyBaseImage,
  copyBeforeDependencyInstall,
  dockerignoreMissing,
  addInsteadOfCopy,
  addRemoteWithoutChecksum,
  rootUser,
  sudo,
  worldWritable,
  secretInArgEnv,
  curlPipeShell,
  unverifiedDownload,
  tlsVerificationDisabled,
  exposeSshPort,
  jsonArgsRecommended,
  npmAsPid1,
  workdirRelative,
  runCd,
  heredocWithoutErrexit,
  duplicateStageName,
  undefinedArgInFrom,
  maintainerDeprecated,
  onbuild,
  onbuildForbiddenTrigger,
  unknownSyntax,
] satisfies readonly Rule[];

