Console.WriteLine("Natural gradient 1-D sample: pending the Categorical Fisher machinery.");
