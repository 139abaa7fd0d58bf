/**
 * Reading and writing a directory that untrusted code could change: no link is ever followed, every directory is
 * opened relative to its parent's handle, and anything but regular files and directories is removed and reported.
 */
package dev.spectra.orchestrator.verify.workspace;
