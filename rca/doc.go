// Package rca writes the root cause analysis of a resolved incident (P1,
// P2): Draft pre-fills the policy's sections from what arqir knows (the
// incident, its timeline and its alerts), and Markdown and HTML export an
// RCA with its action items (P3, P4) and participant feedback (I4).
//
// It is pure: Draft runs inside the transaction that resolves the incident
// (it is an arqir.RCADrafter), and the exports only format what they are
// given. Text that comes from people or alerts is plain text, not
// Markdown: it is escaped so that it reads as typed and cannot break a
// table or open a tag. Section bodies are Markdown (people edit them as
// such); the HTML export renders a safe subset of it through html/template,
// so nothing in a body becomes markup the export did not write itself.
package rca
