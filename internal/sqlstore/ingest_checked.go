package sqlstore

import "github.com/arqir/arqir"

// refusal returns why the call's integration, as the batch read it in its
// transaction, does not take the call; nil when it does.
//
// A call of IngestAs carries the integration as its caller authenticated
// it, possibly from a cache some seconds old: the credential it checked
// still works only if the integration is active and was not rotated since.
// Reading this in the transaction that stores the events is what makes
// such a cache safe: a revocation or a rotation committed on any replica
// before the batch reads the integration refuses the call, as a store
// lookup of the credential would have.
func (b *batch) refusal(c *ingestCall) error {
	in := b.integrations[c.integrationID]
	if c.checked != nil {
		return arqir.CheckedCredentialStale(in, c.checked)
	}
	if in == nil || !in.Active() {
		return inactiveIntegration(c.integrationID)
	}
	return nil
}
