// Package gonb holds the GoNB + Jupyter Dockerfile of the kit and the test that checks it
// (no Docker engine is needed: the test reads the Dockerfile and the repository).
package gonb
