global using System.Collections.Immutable;
global using NodaTime;
