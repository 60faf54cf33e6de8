// Command arqir is the incident response platform: `arqir serve` runs it,
// the other subcommands are its CLI.
package main

import (
	"os"

	"github.com/arqir/arqir/cli"
)

func main() { os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }
