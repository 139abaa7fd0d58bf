/**
 * The runner that compiles and tests a project inside the sandbox, on the generated project's own class path; it uses
 * only the JDK and the JUnit Platform Launcher.
 */
package dev.spectra.orchestrator.verify.runner;
