/**
 * The model-driven build ({@code orchestrator run}): plan, scaffold, implement, verify and fix, each step journalled so
 * a stopped build resumes.
 */
package dev.spectra.orchestrator.run;
