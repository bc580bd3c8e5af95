package io.runlake.functions;
class Placeholder {}
