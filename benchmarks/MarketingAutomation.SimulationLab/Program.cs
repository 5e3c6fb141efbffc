Console.WriteLine("simulation lab: not yet");
